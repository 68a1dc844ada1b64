"""Training throughput of cornu against hand-written PyTorch loops and real Keras 3.

Each contender runs in its own worker process (an engine is chosen at import),
builds the workload once and then trains one epoch of ``--steps`` batches each
time the master says so. The master interleaves the contenders round by round
(A, B, C, A, B, C, ...), drops round 0 (compilation and warm-up) and prints the
median samples/s of each contender and its ratio to the hand-written eager
PyTorch loop. Nothing is asserted: this is a measurement, not a test.

Contenders:
    cornu-torch, cornu-jax     cornu's ``fit`` (default ``jit_compile="auto"``)
    torch-eager, torch-compile a hand-written PyTorch loop (``torch.compile`` of the module)
    keras-torch, keras-jax     real Keras 3's ``fit``, when ``import keras`` works

Examples:
    .venv/bin/python benchmarks/bench.py --workloads mlp cnn --steps 30 --rounds 5
    python3 benchmarks/bench.py --workloads resnet50 --contenders cornu-torch torch-eager --steps 10

Workloads (see ``workloads.py``): mlp, cnn, lstm, wide_mlp (mixed bfloat16),
wide_mlp_fp32, resnet50, resnet50_bf16, resnet50_small (64x64 images, batch
16: the CPU-sized ResNet50) and tiny_mlp (the fixed cost of a step).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ALL_CONTENDERS = ("cornu-torch", "cornu-jax", "torch-eager", "torch-compile", "keras-torch", "keras-jax")
# Also available: "cornu-torch-jit" (cornu's fit with compile(jit_compile=True): torch.compile of the step).


# -- workers ---------------------------------------------------------------------
def _say(*words):
    print(*words, flush=True)


def _wait_for_go():
    line = sys.stdin.readline()
    if not line or line.strip() != "go":
        sys.exit(0)


def keras_worker(module_name, workload, steps, rounds, jit=False):
    """Runs ``fit`` with one epoch per round; a callback waits for the master between epochs.

    ``jit``: force ``jit_compile=True`` (on the torch engine, ``torch.compile`` of the step).
    """
    import importlib

    sys.path.insert(0, HERE)
    import workloads

    keras = importlib.import_module(module_name)
    batch, policy = workloads.WORKLOADS[workload]
    if policy:
        keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(0)
    model = workloads.keras_model(workload, keras)
    if jit:
        model.jit_compile = True
    x, y = workloads.data(workload, steps * batch)

    class Pace(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            _wait_for_go()
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            float(logs["loss"])  # epoch logs are Python numbers: the device has finished
            _say("time", time.perf_counter() - self.start)

    _say("ready")
    model.fit(x, y, batch_size=batch, epochs=rounds + 1, shuffle=False, verbose=0, callbacks=[Pace()])


def torch_worker(workload, steps, rounds, compiled):
    """A hand-written training loop; the loss is read back once per epoch."""
    import torch

    sys.path.insert(0, HERE)
    import workloads

    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    batch, policy = workloads.WORKLOADS[workload]
    net, loss_fn, make_opt = workloads.torch_model(workload)
    net = net.to(device)
    opt = make_opt(net.parameters())
    step_net = torch.compile(net) if compiled else net
    x, y = workloads.data(workload, steps * batch)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(1)
    xt = torch.from_numpy(x).to(device)
    yt = torch.from_numpy(y).to(device)
    yt = yt.float() if workload == "lstm" else yt.long()
    autocast = torch.autocast(device, dtype=torch.bfloat16, enabled=policy == "mixed_bfloat16")

    def epoch():
        total = torch.zeros((), device=device)
        for i in range(steps):
            xb, yb = xt[i * batch:(i + 1) * batch], yt[i * batch:(i + 1) * batch]
            opt.zero_grad(set_to_none=True)
            with autocast:
                out = step_net(xb)
            loss = loss_fn(out.float(), yb)
            loss.backward()
            opt.step()
            total += loss.detach()
        return float(total)

    _say("ready")
    for _ in range(rounds + 1):
        _wait_for_go()
        start = time.perf_counter()
        epoch()
        _say("time", time.perf_counter() - start)


def worker_main(args):
    name = args.worker
    if name.startswith("keras-"):
        try:
            import keras  # noqa: F401
        except ImportError as e:
            sys.exit(f"{name}: real Keras is not installed here ({e})")
    if name.startswith("cornu-"):
        keras_worker("cornu", args.workload, args.steps, args.rounds, jit=name.endswith("-jit"))
    elif name.startswith("keras-"):
        keras_worker("keras", args.workload, args.steps, args.rounds)
    else:
        torch_worker(args.workload, args.steps, args.rounds, compiled=name == "torch-compile")


# -- master ----------------------------------------------------------------------
def _env_for(contender):
    env = dict(os.environ)
    engine = contender.split("-")[1]
    env["CORNU_BACKEND"] = env["KERAS_BACKEND"] = engine
    env["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"  # several workers share one GPU
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.dirname(HERE), env.get("PYTHONPATH")) if p)
    return env


def _spawn(contender, workload, steps, rounds):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", contender, "--workload", workload,
           "--steps", str(steps), "--rounds", str(rounds)]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=_env_for(contender))


def _ready(proc):
    """Wait for a worker's ``ready`` line (it has built its model and data)."""
    if proc.stdout.readline().strip() == "ready":
        return True
    proc.kill()
    return False


def _round(proc):
    proc.stdin.write("go\n")
    proc.stdin.flush()
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "time":
        return None
    return float(line[1])


def bench_workload(workload, contenders, steps, rounds):
    sys.path.insert(0, HERE)
    import workloads

    batch, _ = workloads.WORKLOADS[workload]
    spawned = {c: _spawn(c, workload, steps, rounds) for c in contenders}  # set up side by side
    procs = {}
    for c, proc in spawned.items():
        if _ready(proc):
            procs[c] = proc
        else:
            print(f"  {c}: unavailable (its worker failed to start)", flush=True)
    times = {c: [] for c in procs}
    for r in range(rounds + 1):
        for c, proc in list(procs.items()):
            t = _round(proc)
            if t is None:
                print(f"  {c}: failed during round {r}", flush=True)
                procs.pop(c).kill()
                times.pop(c)
                continue
            if r > 0:
                times[c].append(t)
            else:
                print(f"  {c}: warm-up epoch {t:.2f} s", flush=True)
    for proc in procs.values():
        proc.stdin.close()
        proc.wait(timeout=120)
    rates = {c: steps * batch / statistics.median(ts) for c, ts in times.items() if ts}
    return rates


def report(workload, rates, steps):
    sys.path.insert(0, HERE)
    import workloads

    batch, policy = workloads.WORKLOADS[workload]
    ref = rates.get("torch-eager")
    flops = workloads.flops_per_sample(workload)
    print(f"{workload} (batch {batch}{', ' + policy if policy else ''}, {steps} steps/round)")
    for c, rate in rates.items():
        ratio = f"{rate / ref:5.2f}x" if ref else "   n/a"
        ms = 1000.0 * batch / rate
        extra = f"  {rate * flops / 1e12:6.1f} TFLOP/s" if flops else ""
        print(f"  {c:14s} {rate:11.0f} samples/s  {ms:8.2f} ms/step  {ratio} torch-eager{extra}")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", nargs="+", default=["mlp", "cnn", "lstm"])
    parser.add_argument("--contenders", nargs="+", default=list(ALL_CONTENDERS))
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker_main(args)
    results = {}
    for w in args.workloads:
        rates = bench_workload(w, args.contenders, args.steps, args.rounds)
        report(w, rates, args.steps)
        results[w] = rates
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return None


if __name__ == "__main__":
    main()
