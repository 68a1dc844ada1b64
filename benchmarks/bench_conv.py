"""Benchmark: the "cnn" workload, cornu ``fit`` against a hand-written eager PyTorch loop.

Model (Keras's MNIST convnet): Input(28, 28, 1) -> Conv2D(32, 3, relu) ->
Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Dropout(0.25) -> Flatten ->
Dense(128, relu) -> Dropout(0.5) -> Dense(10, softmax); Adam; batch 128;
synthetic data with a fixed seed.

Runs alternate (cornu, torch, cornu, torch, ...) so drifts in machine load hit
both; the medians of the per-step times and their ratio are printed.  Run with
the torch engine (the default): ``python benchmarks/bench_conv.py --steps 20``.

    --steps N        timed training steps per run (default 20)
    --repeats R      interleaved runs of each (default 5)
    --device D       cpu / cuda (default: cuda when available)
    --jit-compile    ask cornu for a compiled train step (torch.compile)
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("CORNU_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

BATCH = 128
CLASSES = 10


def make_data(steps, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((steps * BATCH, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=(steps * BATCH,)).astype("int64")
    return x, y


# -- cornu ------------------------------------------------------------------------
def build_cornu(jit_compile):
    import cornu as keras

    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Dropout(0.25),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(CLASSES, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  jit_compile=jit_compile)
    return model


def time_cornu(model, x, y, steps):
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    _sync()
    elapsed = time.perf_counter() - start
    assert np.isfinite(history.history["loss"][-1])
    return elapsed / steps


# -- hand-written PyTorch -------------------------------------------------------------
class TorchCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 3)
        self.conv2 = torch.nn.Conv2d(32, 64, 3)
        self.fc1 = torch.nn.Linear(12 * 12 * 64, 128)
        self.fc2 = torch.nn.Linear(128, CLASSES)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = F.dropout(x, 0.25, self.training)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, 0.5, self.training)
        return self.fc2(x)  # logits; softmax + crossentropy fused in the loss


def build_torch(device):
    model = TorchCNN().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    return model, optimizer


def time_torch(model, optimizer, x, y, steps):
    model.train()
    start = time.perf_counter()
    for i in range(steps):
        xb, yb = x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
    loss_value = loss.item()  # waits for the device
    elapsed = time.perf_counter() - start
    assert np.isfinite(loss_value)
    return elapsed / steps


def _sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--jit-compile", action="store_true")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: leave as is)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    x, y = make_data(args.steps)
    cornu_model = build_cornu(args.jit_compile)
    torch_model, torch_opt = build_torch(args.device)
    xt = torch.tensor(np.moveaxis(x, -1, 1), device=args.device)  # (n, 28, 28, 1) -> (n, 1, 28, 28)
    yt = torch.tensor(y, device=args.device)

    # Warm-up: first-call costs (kernel selection, compilation) are not timed.
    warm = min(args.steps, 3)
    time_cornu(cornu_model, x[:warm * BATCH], y[:warm * BATCH], warm)
    time_torch(torch_model, torch_opt, xt, yt, warm)

    cornu_times, torch_times = [], []
    for _ in range(args.repeats):
        cornu_times.append(time_cornu(cornu_model, x, y, args.steps))
        torch_times.append(time_torch(torch_model, torch_opt, xt, yt, args.steps))

    from cornu import backend

    c, t = statistics.median(cornu_times), statistics.median(torch_times)
    print(f"cnn workload, batch {BATCH}, {args.steps} steps x {args.repeats} interleaved runs, "
          f"engine={backend.backend()}, device={args.device}, torch {torch.__version__}, "
          f"threads={torch.get_num_threads()}, cornu jit_compile={args.jit_compile}")
    print(f"cornu fit         median {c * 1e3:8.2f} ms/step   runs: {[round(v * 1e3, 1) for v in cornu_times]}")
    print(f"torch eager loop  median {t * 1e3:8.2f} ms/step   runs: {[round(v * 1e3, 1) for v in torch_times]}")
    print(f"ratio cornu/torch: {c / t:.3f}")


if __name__ == "__main__":
    main()
