"""Deterministic cost of one eager training step: Python function calls and top-level engine ops.

    CORNU_BACKEND=torch python3 benchmarks/count_step.py mlp

Wall-clock timings on a shared machine drift; these counts do not. The step is
the model's ``train_function`` on one batch of ``workloads.py``'s data, run
eagerly (torch engine, CPU). Python calls are counted with cProfile over
``--steps`` steps; top-level aten ops (ops not called from another aten op,
autograd's backward ops included) with torch.profiler over one step.
"""
import argparse
import cProfile
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload")
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    import torch

    import cornu as keras
    import workloads
    from cornu.trainers.epoch_iterator import EpochIterator

    batch, _ = workloads.WORKLOADS[args.workload]
    model = workloads.keras_model(args.workload, keras)
    model.jit_compile = False
    x, y = workloads.data(args.workload, batch * 4)
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # build everything first
    _, data = next(iter(EpochIterator(x, y, batch_size=batch).enumerate_epoch()))

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.steps):
        model.train_function(data)
    profile.disable()
    calls = sum(entry[1] for entry in pstats.Stats(profile).stats.values()) / args.steps

    with torch.profiler.profile() as prof:
        model.train_function(data)

    def top_level(event):
        parent = event.cpu_parent
        while parent is not None:
            if parent.name.startswith("aten::"):
                return False
            parent = parent.cpu_parent
        return True

    ops = [e for e in prof.events() if e.name.startswith("aten::") and top_level(e)]
    print(f"{args.workload}: {calls:.0f} Python calls and {len(ops)} top-level aten ops per step")


if __name__ == "__main__":
    main()
