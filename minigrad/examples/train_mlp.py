"""The documents' MLP (Linear → ReLU → Linear) trained with CrossEntropyLoss and SGD, one progress line
per epoch.

A plain PyTorch script: run it on minigrad, unchanged, through the torch alias

    python -m minigrad run minigrad/examples/train_mlp.py [--epochs N]

(or on PyTorch itself with ``python minigrad/examples/train_mlp.py``). The data is a synthetic 3-class
problem generated from a fixed seed: 10-feature points scattered around one random centre per class,
split into a training and a held-out set.
"""
import argparse

import torch  # alias-ok: run through `python -m minigrad run`
import torch.nn as nn  # alias-ok
import torch.optim as optim  # alias-ok


def mlp(nn, num_classes):
    """The documents' network built from ``nn`` (torch.nn here; the tests build it from minigrad.nn and
    torch.nn alike)."""

    class Net(nn.Module):
        def __init__(self, num_classes):
            super(Net, self).__init__()
            self.fc1 = nn.Linear(10, 5)
            self.fc2 = nn.Linear(5, num_classes)

        def forward(self, x):
            x = nn.functional.relu(self.fc1(x))
            x = self.fc2(x)
            return x

    return Net(num_classes)


def make_data(n, num_classes, generator_seed=0):
    """``n`` points: class centres drawn from N(0, 0.6²), points from N(centre, 1)."""
    torch.manual_seed(generator_seed)
    centres = torch.randn(num_classes, 10) * 0.6
    labels = torch.randint(0, num_classes, (n,))
    return centres[labels] + torch.randn(n, 10), labels


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        correct = (net(x).argmax(dim=1) == y).sum().item()
    net.train()
    return correct / len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()

    num_classes = 3
    x, y = make_data(1200, num_classes)
    x_train, y_train, x_test, y_test = x[:1000], y[:1000], x[1000:], y[1000:]

    net = mlp(nn, num_classes)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)

    for epoch in range(args.epochs):
        order = torch.randperm(len(y_train))
        total, batches = 0.0, 0
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = criterion(net(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        print(f"Epoch [{epoch + 1}/{args.epochs}], Loss: {total / batches:.4f}, "
              f"Train acc: {accuracy(net, x_train, y_train):.1%}, Test acc: {accuracy(net, x_test, y_test):.1%}")


if __name__ == "__main__":
    main()
