"""The issue-6 workloads, written once in Keras code and once as hand-written PyTorch.

``keras_model(name, keras)`` builds a workload with any Keras-compatible module
(``cornu`` or real ``keras``), so cornu and Keras 3 run the very same code.
``torch_model(name)`` gives the equivalent ``torch.nn.Module`` and loss for the
hand-written PyTorch loops. ``data(name, n)`` makes synthetic data with a fixed seed.
"""
import numpy as np

WORKLOADS = {
    # name: (batch size, mixed-precision policy or None)
    "mlp": (128, None),
    "cnn": (128, None),
    "lstm": (64, None),
    "wide_mlp": (1024, "mixed_bfloat16"),
    "wide_mlp_fp32": (1024, None),
    "resnet50": (64, None),
    "resnet50_bf16": (64, "mixed_bfloat16"),
    "resnet50_small": (16, None),  # the CPU-sized variant: 64x64 images
    "tiny_mlp": (2, None),  # the mlp at width 16, batch 2: the fixed cost of one step
}

IMAGE_SIZE = {"resnet50": 224, "resnet50_bf16": 224, "resnet50_small": 64}

VOCAB, LENGTH = 20000, 200


def data(name, n, seed=0):
    """Synthetic ``(x, y)`` NumPy arrays for ``n`` samples of workload ``name``."""
    rng = np.random.default_rng(seed)
    base = _base(name)
    if base in ("mlp", "tiny_mlp"):
        features = 784 if base == "mlp" else 8
        return rng.random((n, features), dtype=np.float32), np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    if base == "cnn":
        return (rng.random((n, 28, 28, 1), dtype=np.float32),
                np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)])
    if base == "lstm":
        return (rng.integers(1, VOCAB, (n, LENGTH)).astype("int32"),
                rng.integers(0, 2, (n, 1)).astype("float32"))
    if base == "wide_mlp":
        return rng.standard_normal((n, 4096), dtype=np.float32), rng.integers(0, 1000, n).astype("int32")
    if base == "resnet50":
        size = IMAGE_SIZE[name]
        return rng.random((n, size, size, 3), dtype=np.float32), rng.integers(0, 1000, n).astype("int32")
    raise ValueError(f"unknown workload {name!r}")


def _base(name):
    return name.split("_bf16")[0].replace("_fp32", "").replace("_small", "")


def flops_per_sample(name):
    """Training FLOPs per sample (forward + backward = 3x the forward matmuls), or None."""
    if name.startswith("wide_mlp"):
        macs = 4 * 4096 * 4096 + 4096 * 1000
        return 3 * 2 * macs
    return None


def keras_model(name, keras):
    """A compiled Keras model of workload ``name`` built with module ``keras``."""
    layers = keras.layers
    base = _base(name)
    if base in ("mlp", "tiny_mlp"):
        features, width = (784, 512) if base == "mlp" else (8, 16)
        model = keras.Sequential([
            keras.Input(shape=(features,)), layers.Dense(width, activation="relu"), layers.Dropout(0.2),
            layers.Dense(width, activation="relu"), layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy",
                      metrics=["accuracy"])
    elif base == "cnn":
        model = keras.Sequential([
            keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Dropout(0.25),
            layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dropout(0.5),
            layers.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(), loss="categorical_crossentropy", metrics=["accuracy"])
    elif base == "lstm":
        model = keras.Sequential([
            keras.Input(shape=(LENGTH,), dtype="int32"), layers.Embedding(VOCAB, 128), layers.LSTM(128),
            layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    elif base == "wide_mlp":
        model = keras.Sequential([keras.Input(shape=(4096,))]
                                 + [layers.Dense(4096, activation="relu") for _ in range(4)]
                                 + [layers.Dense(1000, dtype="float32")])
        model.compile(optimizer=keras.optimizers.Adam(),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    elif base == "resnet50":
        size = IMAGE_SIZE[name]
        model = keras.applications.ResNet50(weights=None, input_shape=(size, size, 3), classes=1000)
        model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                      loss="sparse_categorical_crossentropy")
    else:
        raise ValueError(f"unknown workload {name!r}")
    return model


def torch_model(name):
    """``(module, loss_fn, optimizer_factory, target_is_index)`` for the PyTorch loops."""
    import torch
    from torch import nn

    base = _base(name)
    if base in ("mlp", "tiny_mlp"):
        features, width = (784, 512) if base == "mlp" else (8, 16)
        net = nn.Sequential(nn.Linear(features, width), nn.ReLU(), nn.Dropout(0.2), nn.Linear(width, width),
                            nn.ReLU(), nn.Dropout(0.2), nn.Linear(width, 10))
        return net, nn.functional.cross_entropy, lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-7)
    if base == "cnn":
        net = nn.Sequential(_ToNCHW(), nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(),
                            nn.Dropout(0.5), nn.Linear(128, 10))
        return net, nn.functional.cross_entropy, lambda p: torch.optim.Adam(p, lr=1e-3, eps=1e-7)
    if base == "lstm":
        return (_TorchLSTM(), nn.functional.binary_cross_entropy_with_logits,
                lambda p: torch.optim.Adam(p, lr=1e-3, eps=1e-7))
    if base == "wide_mlp":
        mods = []
        for _ in range(4):
            mods += [nn.Linear(4096, 4096), nn.ReLU()]
        net = nn.Sequential(*mods, nn.Linear(4096, 1000))
        return net, nn.functional.cross_entropy, lambda p: torch.optim.Adam(p, lr=1e-3, eps=1e-7)
    if base == "resnet50":
        net = nn.Sequential(_ToNCHW(), _torch_resnet50())
        return net, nn.functional.cross_entropy, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)
    raise ValueError(f"unknown workload {name!r}")


def _torch_modules():
    from torch import nn

    class ToNCHW(nn.Module):
        """NHWC input (as Keras feeds it) viewed as channels_last NCHW, no copy."""

        def forward(self, x):
            return x.permute(0, 3, 1, 2)

    class TorchLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, 128)
            self.lstm = nn.LSTM(128, 128, batch_first=True)
            self.head = nn.Linear(128, 1)

        def forward(self, x):
            out, _ = self.lstm(self.embed(x))
            return self.head(out[:, -1])

    return ToNCHW, TorchLSTM


def _ToNCHW():
    return _torch_modules()[0]()


def _TorchLSTM():
    return _torch_modules()[1]()


def _torch_resnet50(classes=1000):
    """ResNet50 (v1) in ``torch.nn``, laid out as Keras's: biased convolutions,
    batch-norm epsilon 1.001e-5, the stride on the first 1x1 convolution of a stage."""
    from torch import nn

    def conv_bn(cin, cout, k, stride=1, pad=0):
        return [nn.Conv2d(cin, cout, k, stride, pad), nn.BatchNorm2d(cout, eps=1.001e-5, momentum=0.01)]

    class Block(nn.Module):
        def __init__(self, cin, filters, stride, project):
            super().__init__()
            self.shortcut = nn.Sequential(*conv_bn(cin, 4 * filters, 1, stride)) if project else nn.Identity()
            self.body = nn.Sequential(*conv_bn(cin, filters, 1, stride), nn.ReLU(),
                                      *conv_bn(filters, filters, 3, 1, 1), nn.ReLU(),
                                      *conv_bn(filters, 4 * filters, 1))

        def forward(self, x):
            return nn.functional.relu(self.shortcut(x) + self.body(x))

    mods = [nn.ZeroPad2d(3), *conv_bn(3, 64, 7, 2), nn.ReLU(), nn.ZeroPad2d(1), nn.MaxPool2d(3, 2)]
    cin = 64
    for filters, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for b in range(blocks):
            mods.append(Block(cin, filters, stride if b == 0 else 1, project=b == 0))
            cin = 4 * filters
    mods += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, classes)]
    return nn.Sequential(*mods)
