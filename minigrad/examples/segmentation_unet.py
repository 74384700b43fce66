"""An encoder–decoder version of the documents' segmentation network (document A): their two
Conv2d → relu → max-pool stages, batch-normalised, then an upsampling path back to full resolution —
a stride-2 ConvTranspose2d whose output is concatenated with the first stage's pooled features (a
U-Net skip connection), channel dropout, and a bilinear Upsample — so every pixel gets a class.

``segmentation_unet(lib)`` builds it from any torch-compatible library (tests and benchmarks run the
same model in minigrad and torch). As a plain PyTorch script it trains on synthetic images (bright
discs and squares on noise; the mask marks the shapes) and prints one line per epoch:

    python -m minigrad run minigrad/examples/segmentation_unet.py [--epochs N] [--size S]
"""
import argparse


def segmentation_unet(lib, num_classes=2):
    """conv1(3→64)·BN·relu → pool → conv2(64→128)·BN·relu → Dropout2d → pool →
    ConvTranspose2d(128→64, 2, stride 2) ‖ pooled conv1 features → conv3(128→64)·relu →
    Upsample(×2, bilinear) → conv4(64→classes): (N, 3, H, W) → (N, classes, H, W)."""
    nn, F = lib.nn, lib.nn.functional

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1)
            self.bn1 = nn.BatchNorm2d(64)
            self.conv2 = nn.Conv2d(64, 128, kernel_size=3, stride=1, padding=1)
            self.bn2 = nn.BatchNorm2d(128)
            self.drop = nn.Dropout2d(0.1)
            self.up1 = nn.ConvTranspose2d(128, 64, kernel_size=2, stride=2)
            self.conv3 = nn.Conv2d(128, 64, kernel_size=3, stride=1, padding=1)
            self.up2 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
            self.conv4 = nn.Conv2d(64, num_classes, kernel_size=3, stride=1, padding=1)

        def forward(self, x):
            skip = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), kernel_size=2, stride=2)
            x = F.max_pool2d(self.drop(F.relu(self.bn2(self.conv2(skip)))), kernel_size=2, stride=2)
            x = lib.cat([self.up1(x), skip], dim=1)
            x = self.up2(F.relu(self.conv3(x)))
            return self.conv4(x)

    return UNet()


def make_data(torch, n, size, seed=0):
    """``n`` noisy RGB images of ``size``² with a bright disc or square each, and its mask (N, size, size)."""
    torch.manual_seed(seed)
    coords = torch.arange(size).float()
    rows, cols = coords.reshape(size, 1), coords.reshape(1, size)
    images, masks = [], []
    for _ in range(n):
        centre = torch.rand(2) * size * 0.6 + size * 0.2
        radius = float(torch.rand(1)) * size * 0.15 + size * 0.1
        dr, dc = rows - float(centre[0]), cols - float(centre[1])
        if float(torch.rand(1)) < 0.5:
            mask = (dr * dr + dc * dc) < radius * radius
        else:
            mask = (dr.abs() < radius) & (dc.abs() < radius)
        colour = torch.rand(3, 1, 1) * 0.5 + 0.5
        images.append(torch.randn(3, size, size) * 0.3 + mask.float() * colour)
        masks.append(mask.long())
    return torch.stack(images), torch.stack(masks)


def main():
    import torch  # alias-ok: run through `python -m minigrad run`

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()

    x, y = make_data(torch, args.images + 16, args.size)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x[:args.images], y[:args.images]),
                                         batch_size=args.batch_size, shuffle=True)
    net = segmentation_unet(torch)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    for epoch in range(args.epochs):
        net.train()
        total = 0.0
        for images, masks in loader:
            optimizer.zero_grad()
            loss = criterion(net(images), masks)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(images)  # the batch's mean times its size: the last batch may be short
        net.eval()
        with torch.no_grad():
            accuracy = (net(x[args.images:]).argmax(dim=1) == y[args.images:]).float().mean().item()
        print(f"Epoch [{epoch + 1}/{args.epochs}], Loss: {total / args.images:.4f}, Test pixel acc: {accuracy:.1%}")


if __name__ == "__main__":
    main()
