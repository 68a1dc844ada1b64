"""Where a cornu training step spends its time (torch engine): the top kernels and ops.

    CORNU_BACKEND=torch python3 benchmarks/profile_step.py resnet50 --steps 5

Builds a workload from ``workloads.py``, trains a few warm-up steps with ``fit``,
then profiles ``--steps`` calls of the model's train function with
``torch.profiler`` and prints the ops sorted by device (or CPU) time.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--rows", type=int, default=25)
    parser.add_argument("--jit", default="auto", help="auto / true / false")
    args = parser.parse_args()
    import torch

    import cornu as keras
    import workloads
    from cornu.trainers.epoch_iterator import EpochIterator

    batch, policy = workloads.WORKLOADS[args.workload]
    if policy:
        keras.mixed_precision.set_global_policy(policy)
    model = workloads.keras_model(args.workload, keras)
    model.jit_compile = {"auto": "auto", "true": True, "false": False}[args.jit]
    if args.jit == "auto":
        model._jit_mode = "auto"
    x, y = workloads.data(args.workload, batch * 4)
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up (and capture)
    _, data = next(iter(EpochIterator(x, y, batch_size=batch).enumerate_epoch()))
    print("step function:", type(model.train_function).__name__)
    cuda = torch.cuda.is_available()
    activities = [torch.profiler.ProfilerActivity.CPU] + ([torch.profiler.ProfilerActivity.CUDA] if cuda else [])
    with torch.profiler.profile(activities=activities) as prof:
        for _ in range(args.steps):
            model.train_function(data)
        if cuda:
            torch.cuda.synchronize()
    key = "cuda_time_total" if cuda else "cpu_time_total"
    print(prof.key_averages().table(sort_by=key, row_limit=args.rows))


if __name__ == "__main__":
    main()
