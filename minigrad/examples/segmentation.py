"""The documents' segmentation network (document A; seed examples 007 and 008), built from any
torch-compatible ``nn`` and ``F`` so tests and benchmarks run the same model in minigrad and torch."""


def segmentation_net(nn, F, num_classes=2):
    """Conv2d(3→64) · relu · 2×2 max-pool · Conv2d(64→128) · relu · 2×2 max-pool · Conv2d(128→classes)."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1)
            self.conv2 = nn.Conv2d(64, 128, kernel_size=3, stride=1, padding=1)
            self.conv3 = nn.Conv2d(128, num_classes, kernel_size=3, stride=1, padding=1)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), kernel_size=2, stride=2)
            x = F.max_pool2d(F.relu(self.conv2(x)), kernel_size=2, stride=2)
            return self.conv3(x)

    return Net()
