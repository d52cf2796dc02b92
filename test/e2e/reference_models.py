"""PyTorch reference implementations of every network in models/.

googlenet and inception_v3 are torchvision's own. The others are written
here after the papers and the reference implementations named in the
header of each model file; their module names are the name paths of the
DSL models, so that `state_dict()` loads into the compiler unchanged.
"""

import torch
from torch import nn
import torchvision


class ConvBN(nn.Module):
    """Convolution, batch norm, ReLU: BasicConv2d of torchvision and timm."""

    def __init__(self, cin, cout, kernel, stride=1, padding=0, bias=False,
                 eps=0.001):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, bias=bias)
        self.bn = nn.BatchNorm2d(cout, eps=eps)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


def classify(fc, x, dropout, training):
    """Global average pooling, dropout, the fully connected layer `fc`."""
    x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
    return fc(nn.functional.dropout(x, dropout, training))


# --------------------------------------------------------------------------
# GoogLeNet as in the 2014 paper (Caffe's bvlc_googlenet): LRN, biases,
# true 5x5 convolutions.


class InceptionLRN(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool_proj):
        super().__init__()
        self.branch1 = nn.Conv2d(cin, c1, 1)
        self.branch2_reduce = nn.Conv2d(cin, c3r, 1)
        self.branch2 = nn.Conv2d(c3r, c3, 3, padding=1)
        self.branch3_reduce = nn.Conv2d(cin, c5r, 1)
        self.branch3 = nn.Conv2d(c5r, c5, 5, padding=2)
        self.branch4 = nn.Conv2d(cin, pool_proj, 1)

    def forward(self, x):
        relu = torch.relu
        b1 = relu(self.branch1(x))
        b2 = relu(self.branch2(relu(self.branch2_reduce(x))))
        b3 = relu(self.branch3(relu(self.branch3_reduce(x))))
        b4 = relu(self.branch4(nn.functional.max_pool2d(x, 3, 1, 1, ceil_mode=True)))
        return torch.cat([b1, b2, b3, b4], 1)


class GoogLeNetLRN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3)
        self.conv2_reduce = nn.Conv2d(64, 64, 1)
        self.conv2 = nn.Conv2d(64, 192, 3, padding=1)
        self.lrn = nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0)
        cfg = {
            "inception_3a": (192, 64, 96, 128, 16, 32, 32),
            "inception_3b": (256, 128, 128, 192, 32, 96, 64),
            "inception_4a": (480, 192, 96, 208, 16, 48, 64),
            "inception_4b": (512, 160, 112, 224, 24, 64, 64),
            "inception_4c": (512, 128, 128, 256, 24, 64, 64),
            "inception_4d": (512, 112, 144, 288, 32, 64, 64),
            "inception_4e": (528, 256, 160, 320, 32, 128, 128),
            "inception_5a": (832, 256, 160, 320, 32, 128, 128),
            "inception_5b": (832, 384, 192, 384, 48, 128, 128),
        }
        for name, args in cfg.items():
            setattr(self, name, InceptionLRN(*args))
        self.fc = nn.Linear(1024, 1000)
        self.dropout = 0.4

    def forward(self, x):
        pool = lambda t: nn.functional.max_pool2d(t, 3, 2, ceil_mode=True)
        x = self.lrn(pool(torch.relu(self.conv1(x))))
        x = torch.relu(self.conv2(torch.relu(self.conv2_reduce(x))))
        x = pool(self.lrn(x))
        x = self.inception_3b(self.inception_3a(x))
        x = pool(x)
        for name in ("4a", "4b", "4c", "4d", "4e"):
            x = getattr(self, "inception_" + name)(x)
        x = pool(x)
        x = self.inception_5b(self.inception_5a(x))
        return classify(self.fc, x, self.dropout, self.training)


# --------------------------------------------------------------------------
# BN-Inception (Ioffe & Szegedy 2015), layer sizes of Table 1 as in the Caffe
# model converted by Cadene's pretrained-models.pytorch: convolutions with
# bias, each followed by batch norm (eps 1e-5) and ReLU.


def bn_conv(cin, cout, kernel, stride=1, padding=0):
    return ConvBN(cin, cout, kernel, stride, padding, bias=True, eps=1e-5)


class BNInceptionModule(nn.Module):
    def __init__(self, cin, c1, c3r, c3, d3r, d3, pool, pool_proj):
        super().__init__()
        self.branch1 = bn_conv(cin, c1, 1)
        self.branch2_reduce = bn_conv(cin, c3r, 1)
        self.branch2 = bn_conv(c3r, c3, 3, padding=1)
        self.branch3_reduce = bn_conv(cin, d3r, 1)
        self.branch3a = bn_conv(d3r, d3, 3, padding=1)
        self.branch3b = bn_conv(d3, d3, 3, padding=1)
        self.branch4 = bn_conv(cin, pool_proj, 1)
        self.pool = pool

    def forward(self, x):
        if self.pool == "avg":
            p = nn.functional.avg_pool2d(x, 3, 1, 1, ceil_mode=True)
        else:
            p = nn.functional.max_pool2d(x, 3, 1, 1, ceil_mode=True)
        return torch.cat([self.branch1(x),
                          self.branch2(self.branch2_reduce(x)),
                          self.branch3b(self.branch3a(self.branch3_reduce(x))),
                          self.branch4(p)], 1)


class BNInceptionReduction(nn.Module):
    def __init__(self, cin, c3r, c3, d3r, d3):
        super().__init__()
        self.branch2_reduce = bn_conv(cin, c3r, 1)
        self.branch2 = bn_conv(c3r, c3, 3, 2, 1)
        self.branch3_reduce = bn_conv(cin, d3r, 1)
        self.branch3a = bn_conv(d3r, d3, 3, padding=1)
        self.branch3b = bn_conv(d3, d3, 3, 2, 1)

    def forward(self, x):
        return torch.cat([self.branch2(self.branch2_reduce(x)),
                          self.branch3b(self.branch3a(self.branch3_reduce(x))),
                          nn.functional.max_pool2d(x, 3, 2, ceil_mode=True)], 1)


class BNInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = bn_conv(3, 64, 7, 2, 3)
        self.conv2_reduce = bn_conv(64, 64, 1)
        self.conv2 = bn_conv(64, 192, 3, padding=1)
        self.inception_3a = BNInceptionModule(192, 64, 64, 64, 64, 96, "avg", 32)
        self.inception_3b = BNInceptionModule(256, 64, 64, 96, 64, 96, "avg", 64)
        self.inception_3c = BNInceptionReduction(320, 128, 160, 64, 96)
        self.inception_4a = BNInceptionModule(576, 224, 64, 96, 96, 128, "avg", 128)
        self.inception_4b = BNInceptionModule(576, 192, 96, 128, 96, 128, "avg", 128)
        self.inception_4c = BNInceptionModule(576, 160, 128, 160, 128, 160, "avg", 128)
        self.inception_4d = BNInceptionModule(608, 96, 128, 192, 160, 192, "avg", 128)
        self.inception_4e = BNInceptionReduction(608, 128, 192, 192, 256)
        self.inception_5a = BNInceptionModule(1056, 352, 192, 320, 160, 224, "avg", 128)
        self.inception_5b = BNInceptionModule(1024, 352, 192, 320, 192, 224, "max", 128)
        self.fc = nn.Linear(1024, 1000)
        self.dropout = 0.0

    def forward(self, x):
        pool = lambda t: nn.functional.max_pool2d(t, 3, 2, ceil_mode=True)
        x = pool(self.conv1(x))
        x = pool(self.conv2(self.conv2_reduce(x)))
        for name in ("3a", "3b", "3c", "4a", "4b", "4c", "4d", "4e", "5a", "5b"):
            x = getattr(self, "inception_" + name)(x)
        return classify(self.fc, x, self.dropout, self.training)


# --------------------------------------------------------------------------
# Inception-v4 (Szegedy et al. 2016), as timm's inception_v4 / Cadene's
# pretrained-models.pytorch implement it (1000 classes).


def avg_pool_no_pad(x):
    return nn.functional.avg_pool2d(x, 3, 1, 1, count_include_pad=False)


def max_pool_s2(x):
    return nn.functional.max_pool2d(x, 3, 2)


class Branches(nn.Module):
    """Runs named chains of ConvBN layers and concatenates their results.

    `chains` is a list of (names, layer specs); a chain whose first name is
    "avgpool" or "maxpool" starts with that pooling layer.
    """

    def __init__(self, chains):
        super().__init__()
        self.chains = []
        for chain in chains:
            names = []
            for item in chain:
                if isinstance(item, str):
                    names.append(item)
                else:
                    name, args = item
                    setattr(self, name, ConvBN(*args[:2], *args[2:]))
                    names.append(name)
            self.chains.append(names)

    def forward(self, x):
        outputs = []
        for names in self.chains:
            y = x
            for name in names:
                if name == "avgpool":
                    y = avg_pool_no_pad(y)
                elif name == "maxpool":
                    y = max_pool_s2(y)
                else:
                    y = getattr(self, name)(y)
            outputs.append(y)
        return torch.cat(outputs, 1)


def c(name, cin, cout, kernel, stride=1, padding=0):
    return (name, (cin, cout, kernel, stride, padding))


def inception_v4_a():
    return Branches([[c("branch0", 384, 96, 1)],
                     [c("branch1_0", 384, 64, 1), c("branch1_1", 64, 96, 3, 1, 1)],
                     [c("branch2_0", 384, 64, 1), c("branch2_1", 64, 96, 3, 1, 1),
                      c("branch2_2", 96, 96, 3, 1, 1)],
                     ["avgpool", c("branch3", 384, 96, 1)]])


def inception_v4_b():
    return Branches([[c("branch0", 1024, 384, 1)],
                     [c("branch1_0", 1024, 192, 1),
                      c("branch1_1", 192, 224, (1, 7), 1, (0, 3)),
                      c("branch1_2", 224, 256, (7, 1), 1, (3, 0))],
                     [c("branch2_0", 1024, 192, 1),
                      c("branch2_1", 192, 192, (7, 1), 1, (3, 0)),
                      c("branch2_2", 192, 224, (1, 7), 1, (0, 3)),
                      c("branch2_3", 224, 224, (7, 1), 1, (3, 0)),
                      c("branch2_4", 224, 256, (1, 7), 1, (0, 3))],
                     ["avgpool", c("branch3", 1024, 128, 1)]])


class InceptionV4C(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch0 = ConvBN(1536, 256, 1)
        self.branch1_0 = ConvBN(1536, 384, 1)
        self.branch1_1a = ConvBN(384, 256, (1, 3), 1, (0, 1))
        self.branch1_1b = ConvBN(384, 256, (3, 1), 1, (1, 0))
        self.branch2_0 = ConvBN(1536, 384, 1)
        self.branch2_1 = ConvBN(384, 448, (3, 1), 1, (1, 0))
        self.branch2_2 = ConvBN(448, 512, (1, 3), 1, (0, 1))
        self.branch2_3a = ConvBN(512, 256, (1, 3), 1, (0, 1))
        self.branch2_3b = ConvBN(512, 256, (3, 1), 1, (1, 0))
        self.branch3 = ConvBN(1536, 256, 1)

    def forward(self, x):
        b1 = self.branch1_0(x)
        b2 = self.branch2_2(self.branch2_1(self.branch2_0(x)))
        return torch.cat([self.branch0(x), self.branch1_1a(b1), self.branch1_1b(b1),
                          self.branch2_3a(b2), self.branch2_3b(b2),
                          self.branch3(avg_pool_no_pad(x))], 1)


class InceptionV4(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1a = ConvBN(3, 32, 3, 2)
        self.conv2a = ConvBN(32, 32, 3)
        self.conv2b = ConvBN(32, 64, 3, 1, 1)
        self.mixed_3a = Branches([["maxpool"], [c("conv", 64, 96, 3, 2)]])
        self.mixed_4a = Branches([
            [c("branch0_0", 160, 64, 1), c("branch0_1", 64, 96, 3)],
            [c("branch1_0", 160, 64, 1), c("branch1_1", 64, 64, (1, 7), 1, (0, 3)),
             c("branch1_2", 64, 64, (7, 1), 1, (3, 0)), c("branch1_3", 64, 96, 3)]])
        self.mixed_5a = Branches([[c("conv", 192, 192, 3, 2)], ["maxpool"]])
        self.inception_a = nn.Sequential(*[inception_v4_a() for _ in range(4)])
        self.reduction_a = Branches([
            [c("branch0", 384, 384, 3, 2)],
            [c("branch1_0", 384, 192, 1), c("branch1_1", 192, 224, 3, 1, 1),
             c("branch1_2", 224, 256, 3, 2)],
            ["maxpool"]])
        self.inception_b = nn.Sequential(*[inception_v4_b() for _ in range(7)])
        self.reduction_b = Branches([
            [c("branch0_0", 1024, 192, 1), c("branch0_1", 192, 192, 3, 2)],
            [c("branch1_0", 1024, 256, 1), c("branch1_1", 256, 256, (1, 7), 1, (0, 3)),
             c("branch1_2", 256, 320, (7, 1), 1, (3, 0)), c("branch1_3", 320, 320, 3, 2)],
            ["maxpool"]])
        self.inception_c = nn.Sequential(*[InceptionV4C() for _ in range(3)])
        self.fc = nn.Linear(1536, 1000)
        self.dropout = 0.0

    def forward(self, x):
        x = self.conv2b(self.conv2a(self.conv1a(x)))
        x = self.mixed_5a(self.mixed_4a(self.mixed_3a(x)))
        x = self.reduction_a(self.inception_a(x))
        x = self.reduction_b(self.inception_b(x))
        return classify(self.fc, self.inception_c(x), self.dropout, self.training)


# --------------------------------------------------------------------------
# Inception-ResNet-v1 and -v2 (Szegedy et al. 2016): v2 as timm's
# inception_resnet_v2, v1 with the layer sizes of facenet-pytorch's
# InceptionResnetV1 and the paper's ImageNet classifier.


class Residual(Branches):
    """x + scale * conv(concat(branches)), then ReLU unless `relu` is off.
    The branch layers are the block's own attributes, so that keys read
    `block35.0.branch1_1.conv.weight` like the DSL's paths."""

    def __init__(self, chains, concat_channels, channels, scale, relu=True):
        super().__init__(chains)
        self.conv = nn.Conv2d(concat_channels, channels, 1)
        self.scale = scale
        self.relu = relu

    def forward(self, x):
        y = x + self.conv(super().forward(x)) * self.scale
        return torch.relu(y) if self.relu else y


def block35(channels, widths, scale):
    w0, w1, w2a, w2b = widths
    return Residual([[c("branch0", channels, w0, 1)],
                     [c("branch1_0", channels, w0, 1), c("branch1_1", w0, w1, 3, 1, 1)],
                     [c("branch2_0", channels, w0, 1), c("branch2_1", w0, w2a, 3, 1, 1),
                      c("branch2_2", w2a, w2b, 3, 1, 1)]],
                    w0 + w1 + w2b, channels, scale)


def block17(channels, widths, scale):
    w0, w1a, w1b, w1c = widths
    return Residual([[c("branch0", channels, w0, 1)],
                     [c("branch1_0", channels, w1a, 1),
                      c("branch1_1", w1a, w1b, (1, 7), 1, (0, 3)),
                      c("branch1_2", w1b, w1c, (7, 1), 1, (3, 0))]],
                    w0 + w1c, channels, scale)


def block8(channels, widths, scale, relu=True):
    w0, w1a, w1b, w1c = widths
    return Residual([[c("branch0", channels, w0, 1)],
                     [c("branch1_0", channels, w1a, 1),
                      c("branch1_1", w1a, w1b, (1, 3), 1, (0, 1)),
                      c("branch1_2", w1b, w1c, (3, 1), 1, (1, 0))]],
                    w0 + w1c, channels, scale, relu)


class InceptionResNetStem(nn.Module):
    """The stem both Inception-ResNets share, up to the 192-channel conv."""

    def __init__(self):
        super().__init__()
        self.conv2d_1a = ConvBN(3, 32, 3, 2)
        self.conv2d_2a = ConvBN(32, 32, 3)
        self.conv2d_2b = ConvBN(32, 64, 3, 1, 1)
        self.conv2d_3b = ConvBN(64, 80, 1)
        self.conv2d_4a = ConvBN(80, 192, 3)

    def stem(self, x):
        x = self.conv2d_2b(self.conv2d_2a(self.conv2d_1a(x)))
        return self.conv2d_4a(self.conv2d_3b(max_pool_s2(x)))


class InceptionResNetV2(InceptionResNetStem):
    def __init__(self):
        super().__init__()
        self.mixed_5b = Branches([
            [c("branch0", 192, 96, 1)],
            [c("branch1_0", 192, 48, 1), c("branch1_1", 48, 64, 5, 1, 2)],
            [c("branch2_0", 192, 64, 1), c("branch2_1", 64, 96, 3, 1, 1),
             c("branch2_2", 96, 96, 3, 1, 1)],
            ["avgpool", c("branch3", 192, 64, 1)]])
        self.block35 = nn.Sequential(*[block35(320, (32, 32, 48, 64), 0.17) for _ in range(10)])
        self.mixed_6a = Branches([
            [c("branch0", 320, 384, 3, 2)],
            [c("branch1_0", 320, 256, 1), c("branch1_1", 256, 256, 3, 1, 1),
             c("branch1_2", 256, 384, 3, 2)],
            ["maxpool"]])
        self.block17 = nn.Sequential(*[block17(1088, (192, 128, 160, 192), 0.10) for _ in range(20)])
        self.mixed_7a = Branches([
            [c("branch0_0", 1088, 256, 1), c("branch0_1", 256, 384, 3, 2)],
            [c("branch1_0", 1088, 256, 1), c("branch1_1", 256, 288, 3, 2)],
            [c("branch2_0", 1088, 256, 1), c("branch2_1", 256, 288, 3, 1, 1),
             c("branch2_2", 288, 320, 3, 2)],
            ["maxpool"]])
        self.block8 = nn.Sequential(*[block8(2080, (192, 192, 224, 256), 0.20) for _ in range(9)])
        self.block8_final = block8(2080, (192, 192, 224, 256), 1.0, relu=False)
        self.conv2d_7b = ConvBN(2080, 1536, 1)
        self.fc = nn.Linear(1536, 1000)
        self.dropout = 0.0

    def forward(self, x):
        x = self.block35(self.mixed_5b(max_pool_s2(self.stem(x))))
        x = self.block17(self.mixed_6a(x))
        x = self.block8_final(self.block8(self.mixed_7a(x)))
        return classify(self.fc, self.conv2d_7b(x), self.dropout, self.training)


class InceptionResNetV1(InceptionResNetStem):
    def __init__(self):
        super().__init__()
        self.conv2d_4b = ConvBN(192, 256, 3, 2)
        self.block35 = nn.Sequential(*[block35(256, (32, 32, 32, 32), 0.17) for _ in range(5)])
        self.mixed_6a = Branches([
            [c("branch0", 256, 384, 3, 2)],
            [c("branch1_0", 256, 192, 1), c("branch1_1", 192, 192, 3, 1, 1),
             c("branch1_2", 192, 256, 3, 2)],
            ["maxpool"]])
        self.block17 = nn.Sequential(*[block17(896, (128, 128, 128, 128), 0.10) for _ in range(10)])
        self.mixed_7a = Branches([
            [c("branch0_0", 896, 256, 1), c("branch0_1", 256, 384, 3, 2)],
            [c("branch1_0", 896, 256, 1), c("branch1_1", 256, 256, 3, 2)],
            [c("branch2_0", 896, 256, 1), c("branch2_1", 256, 256, 3, 1, 1),
             c("branch2_2", 256, 256, 3, 2)],
            ["maxpool"]])
        self.block8 = nn.Sequential(*[block8(1792, (192, 192, 192, 192), 0.20) for _ in range(5)])
        self.block8_final = block8(1792, (192, 192, 192, 192), 1.0, relu=False)
        self.fc = nn.Linear(1792, 1000)
        self.dropout = 0.2

    def forward(self, x):
        x = self.conv2d_4b(self.stem(x))
        x = self.block17(self.mixed_6a(self.block35(x)))
        x = self.block8_final(self.block8(self.mixed_7a(x)))
        return classify(self.fc, x, self.dropout, self.training)


# --------------------------------------------------------------------------
# Xception (Chollet 2017), as timm's legacy xception / Cadene's
# pretrained-models.pytorch implement it.


class SeparableConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class XceptionBlock(nn.Module):
    """`widths` lists the separable convolutions' output channels. A block
    with a skip convolution downsamples by 2 with a final max pool."""

    def __init__(self, cin, widths, downsample):
        super().__init__()
        self.count = len(widths)
        channels = cin
        for i, width in enumerate(widths, 1):
            setattr(self, f"sep{i}", SeparableConv(channels, width))
            setattr(self, f"bn{i}", nn.BatchNorm2d(width))
            channels = width
        self.downsample = downsample
        if downsample:
            self.skip = nn.Conv2d(cin, channels, 1, 2, bias=False)
            self.skipbn = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = x
        for i in range(1, self.count + 1):
            y = getattr(self, f"bn{i}")(getattr(self, f"sep{i}")(torch.relu(y)))
        if not self.downsample:
            return y + x
        y = nn.functional.max_pool2d(y, 3, 2, 1)
        return y + self.skipbn(self.skip(x))


class Xception(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, 2, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.block1 = XceptionBlock(64, (128, 128), True)
        self.block2 = XceptionBlock(128, (256, 256), True)
        self.block3 = XceptionBlock(256, (728, 728), True)
        self.middle = nn.Sequential(*[XceptionBlock(728, (728, 728, 728), False)
                                      for _ in range(8)])
        self.block12 = XceptionBlock(728, (728, 1024), True)
        self.conv3 = SeparableConv(1024, 1536)
        self.bn3 = nn.BatchNorm2d(1536)
        self.conv4 = SeparableConv(1536, 2048)
        self.bn4 = nn.BatchNorm2d(2048)
        self.fc = nn.Linear(2048, 1000)
        self.dropout = 0.0

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        # block1 starts without ReLU in the reference; its input is already
        # the output of a ReLU, so the ReLU its first layer applies is exact.
        x = self.block3(self.block2(self.block1(x)))
        x = self.block12(self.middle(x))
        x = torch.relu(self.bn3(self.conv3(x)))
        x = torch.relu(self.bn4(self.conv4(x)))
        return classify(self.fc, x, self.dropout, self.training)


def _googlenet():
    return torchvision.models.googlenet(weights=None, aux_logits=False,
                                        init_weights=True)


def _inception_v3():
    return torchvision.models.inception_v3(weights=None, aux_logits=False,
                                           init_weights=True)


MODELS = {
    "googlenet": _googlenet,
    "googlenet_lrn": GoogLeNetLRN,
    "bn_inception": BNInception,
    "inception_v3": _inception_v3,
    "inception_v4": InceptionV4,
    "inception_resnet_v1": InceptionResNetV1,
    "inception_resnet_v2": InceptionResNetV2,
    "xception": Xception,
}

INPUT_SIZES = {
    "googlenet": 224, "googlenet_lrn": 224, "bn_inception": 224,
    "inception_v3": 299, "inception_v4": 299, "inception_resnet_v1": 299,
    "inception_resnet_v2": 299, "xception": 299,
}


def build(name):
    return MODELS[name]()
