"""The `mlp` workload: cornu's fit step vs a hand-written eager PyTorch loop.

Input(784) -> Dense(512, relu) -> Dropout(0.2) -> Dense(512, relu) -> Dropout(0.2)
-> Dense(10, softmax); RMSprop; categorical crossentropy; batch 128; synthetic data.

    CORNU_BACKEND=torch .venv/bin/python benchmarks/bench_mlp.py --steps 50 --rounds 5

Contenders run interleaved (A, B, A, B, ...); medians of samples/s and their ratio
are printed. No assertions: this is a measurement, not a test.
"""
import argparse
import statistics
import time

import numpy as np


def cornu_runner(x, y, batch, jit):
    import cornu as keras
    from cornu import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(784,)), layers.Dense(512, activation="relu"), layers.Dropout(0.2),
        layers.Dense(512, activation="relu"), layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=jit)
    model.fit(x[:batch * 2], y[:batch * 2], batch_size=batch, epochs=1, verbose=0)  # warm-up/compile

    def run(steps):
        n = steps * batch
        start = time.perf_counter()
        model.fit(x[:n], y[:n], batch_size=batch, epochs=1, verbose=0, shuffle=False)
        return n / (time.perf_counter() - start)

    return run


def torch_runner(x, y, batch):
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(512, 10))
    opt = torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.argmax(1))

    def run(steps):
        start = time.perf_counter()
        for i in range(steps):
            xb, yb = xt[i * batch:(i + 1) * batch], yt[i * batch:(i + 1) * batch]
            opt.zero_grad(set_to_none=True)
            logits = net(xb)
            loss = torch.nn.functional.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            with torch.no_grad():  # the same per-step accuracy bookkeeping fit() does
                (logits.argmax(1) == yb).float().mean().item()
        return steps * batch / (time.perf_counter() - start)

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--jit", default="auto")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.steps * args.batch
    x = rng.random((n, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    jit = {"auto": "auto", "true": True, "false": False}[args.jit.lower()]
    import cornu

    contenders = {"cornu": cornu_runner(x, y, args.batch, jit), "pytorch_eager": torch_runner(x, y, args.batch)}
    results = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, run in contenders.items():
            results[name].append(run(args.steps))
    med = {name: statistics.median(v) for name, v in results.items()}
    print(f"mlp  engine={cornu.backend.backend()} jit={jit} steps={args.steps} rounds={args.rounds}")
    for name, value in med.items():
        print(f"  {name:14s} {value:10.0f} samples/s")
    print(f"  ratio cornu / pytorch_eager = {med['cornu'] / med['pytorch_eager']:.2f}x")


if __name__ == "__main__":
    main()
