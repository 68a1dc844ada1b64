"""The "lstm" workload: cornu ``fit`` against a hand-written eager PyTorch loop.

Model (Keras's IMDB LSTM): Input(200) int ids -> Embedding(20000, 128) ->
LSTM(128) -> Dense(1, sigmoid); Adam(1e-3); binary crossentropy; synthetic
data with a fixed seed.  The PyTorch contender is ``nn.Embedding`` +
``nn.LSTM(batch_first=True)`` + ``nn.Linear`` with ``torch.optim.Adam``,
initialized as Keras does (uniform embeddings, Glorot input kernel, orthogonal
recurrent kernel, forget-gate bias 1): with PyTorch's own N(0, 1) embeddings
the gates saturate and CPU steps slow down ~10x on denormal numbers, which
would measure the initialization rather than the framework.

Contenders run interleaved (cornu, torch, cornu, torch, ...) so drifts in
machine load hit both; medians of ms/step and their ratio are printed.  No
assertions: a measurement, not a test.

    CORNU_BACKEND=torch .venv/bin/python benchmarks/bench_lstm.py --steps 5 --rounds 3

    --steps N      timed training steps per round (default 10)
    --rounds R     interleaved rounds (default 3)
    --batch B      batch size (default 64)
    --device D     cpu / cuda for the PyTorch contender and cornu (default: cuda when available)
    --jit J        cornu's jit_compile: auto / true / false (default auto)
    --threads N    torch intra-op threads for both contenders (default: torch's own choice);
                   on a busy CPU, ``--threads 1`` avoids the thread oversubscription that
                   can slow torch's LSTM kernel down 10-50x for both contenders
"""
import argparse
import os
import statistics
import time

import numpy as np

VOCAB, LENGTH, DIM, UNITS = 20000, 200, 128, 128


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, VOCAB, size=(n, LENGTH)).astype("int32")
    y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    return x, y


def cornu_runner(x, y, batch, jit):
    import cornu as keras
    from cornu import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((LENGTH,), dtype="int32"),
        layers.Embedding(VOCAB, DIM),
        layers.LSTM(UNITS),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", jit_compile=jit)
    model.fit(x[:batch * 2], y[:batch * 2], batch_size=batch, epochs=1, verbose=0)  # warm-up / compile

    def run(steps):
        n = steps * batch
        start = time.perf_counter()
        model.fit(x[:n], y[:n], batch_size=batch, epochs=1, verbose=0, shuffle=False)
        return 1000.0 * (time.perf_counter() - start) / steps

    return run


def torch_runner(x, y, batch, device):
    import torch

    torch.manual_seed(0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(VOCAB, DIM)
            self.lstm = torch.nn.LSTM(DIM, UNITS, batch_first=True)
            self.out = torch.nn.Linear(UNITS, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.embed(ids))
            return torch.sigmoid(self.out(h[0]))

    net = Net()
    with torch.no_grad():  # Keras's initialization, so both contenders compute on similar values
        torch.nn.init.uniform_(net.embed.weight, -0.05, 0.05)
        bound_ih = (6.0 / (DIM + 4 * UNITS)) ** 0.5
        torch.nn.init.uniform_(net.lstm.weight_ih_l0, -bound_ih, bound_ih)
        torch.nn.init.orthogonal_(net.lstm.weight_hh_l0)
        net.lstm.bias_ih_l0.zero_()
        net.lstm.bias_ih_l0[UNITS:2 * UNITS] = 1.0  # unit_forget_bias
        net.lstm.bias_hh_l0.zero_()
        torch.nn.init.xavier_uniform_(net.out.weight)
        net.out.bias.zero_()
    net = net.to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    xt = torch.from_numpy(x.astype("int64")).to(device)
    yt = torch.from_numpy(y).to(device)

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.binary_cross_entropy(net(xb), yb)
        loss.backward()
        opt.step()
        return loss

    step(xt[:batch], yt[:batch])  # warm-up

    def run(steps):
        if device != "cpu":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for i in range(steps):
            loss = step(xt[i * batch:(i + 1) * batch], yt[i * batch:(i + 1) * batch])
        float(loss.detach())  # wait for the last step
        return 1000.0 * (time.perf_counter() - start) / steps

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--device", default=None)
    parser.add_argument("--jit", default="auto")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("CORNU_BACKEND", "torch")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    jit = {"auto": "auto", "true": True, "false": False}[args.jit.lower()]
    x, y = make_data(args.steps * args.batch)
    import cornu

    contenders = {"cornu": cornu_runner(x, y, args.batch, jit),
                  "pytorch_eager": torch_runner(x, y, args.batch, device)}
    results = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, run in contenders.items():
            results[name].append(run(args.steps))
    med = {name: statistics.median(v) for name, v in results.items()}
    print(f"lstm  engine={cornu.backend.backend()} device={device} jit={jit} batch={args.batch} "
          f"steps={args.steps} rounds={args.rounds} torch_threads={torch.get_num_threads()}")
    for name, value in med.items():
        print(f"  {name:14s} {value:10.1f} ms/step   (runs: {', '.join(f'{v:.1f}' for v in results[name])})")
    print(f"  ratio cornu / pytorch_eager (time) = {med['cornu'] / med['pytorch_eager']:.2f}x")


if __name__ == "__main__":
    main()
