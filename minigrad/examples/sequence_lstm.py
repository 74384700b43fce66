"""An LSTM sequence classifier on variable-length sequences, one progress line per epoch.

A plain PyTorch script: run it on minigrad, unchanged, through the torch alias

    python -m minigrad run minigrad/examples/sequence_lstm.py [--epochs N]

(or on PyTorch itself with ``python minigrad/examples/sequence_lstm.py``). The task, generated from a
fixed seed: a sequence of 5 to 20 steps of 2 features each; its class is the sign of the sum of its
first feature, which the network must carry through every step (the second feature is noise). The
sequences are padded, packed with ``pack_padded_sequence`` (so the LSTM stops at each one's end) and
classified from the final hidden state of a 2-layer bidirectional LSTM.
"""
import argparse

import torch  # alias-ok: run through `python -m minigrad run`
import torch.nn as nn  # alias-ok
from torch.nn.utils.rnn import pack_padded_sequence  # alias-ok


class SequenceClassifier(nn.Module):
    def __init__(self, input_size=2, hidden_size=24, num_classes=2):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        last = torch.cat([h_n[-2], h_n[-1]], dim=1)  # the top layer's two directions
        return self.fc(last)


def make_data(n, max_len=20, generator_seed=0):
    """``n`` padded sequences ``(n, max_len, 2)``, their lengths and labels (sum of feature 0 > 0)."""
    torch.manual_seed(generator_seed)
    lengths = torch.randint(5, max_len + 1, (n,))
    x = torch.randn(n, max_len, 2)
    mask = (torch.arange(max_len).unsqueeze(0) < lengths.unsqueeze(1)).float()
    x = x * mask.unsqueeze(2)
    labels = (x[:, :, 0].sum(dim=1) > 0).long()
    return x, lengths, labels


def accuracy(net, x, lengths, y):
    net.eval()
    with torch.no_grad():
        correct = (net(x, lengths).argmax(dim=1) == y).sum().item()
    net.train()
    return correct / len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()

    x, lengths, y = make_data(1200)
    train, test = slice(0, 1000), slice(1000, None)
    net = SequenceClassifier()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        order = torch.randperm(1000)
        total, batches = 0.0, 0
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = criterion(net(x[idx], lengths[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        print(f"Epoch [{epoch + 1}/{args.epochs}], Loss: {total / batches:.4f}, "
              f"Train acc: {accuracy(net, x[train], lengths[train], y[train]):.1%}, "
              f"Test acc: {accuracy(net, x[test], lengths[test], y[test]):.1%}")


if __name__ == "__main__":
    main()
