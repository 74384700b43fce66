"""An LSTM sequence classifier on variable-length sequences, one progress line per epoch.

A plain PyTorch script: run it on minigrad, unchanged, through the torch alias

    python -m minigrad run minigrad/examples/sequence_lstm.py [--epochs N]

(or on PyTorch itself with ``python minigrad/examples/sequence_lstm.py``). The task, generated from a
fixed seed: a sequence of 5 to 20 steps of 2 features each; its class is the sign of the sum of its
first feature, which the network must carry through every step (the second feature is noise). The
sequences are padded, packed with ``pack_padded_sequence`` (so the LSTM stops at each one's end) and
classified from the final hidden state of a 2-layer bidirectional LSTM. A shuffling ``DataLoader`` over a
``TensorDataset`` gives the batches; each step clips the gradient norm (``--clip``).
"""
import argparse

import torch  # alias-ok: run through `python -m minigrad run`
import torch.nn as nn  # alias-ok
from torch.nn.utils.rnn import pack_padded_sequence  # alias-ok
from torch.utils.data import DataLoader, TensorDataset  # alias-ok


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


def evaluate(net, criterion, x, lengths, y):
    """(mean loss, accuracy) of ``net`` on one whole set, in eval mode without autograd."""
    net.eval()
    with torch.no_grad():
        logits = net(x, lengths)
        loss, correct = criterion(logits, y).item(), (logits.argmax(dim=1) == y).sum().item()
    net.train()
    return loss, correct / len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--clip", type=float, default=1.0, help="max gradient norm per step")
    args = parser.parse_args()

    x, lengths, y = make_data(1200)
    train = TensorDataset(x[:1000], lengths[:1000], y[:1000])
    loader = DataLoader(train, batch_size=args.batch_size, shuffle=True)
    net = SequenceClassifier()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        total = 0.0
        for xb, lb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(net(xb, lb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), args.clip)  # an LSTM's gradients can spike
            optimizer.step()
            total += loss.item()
        _, train_acc = evaluate(net, criterion, *train.tensors)
        test_loss, test_acc = evaluate(net, criterion, x[1000:], lengths[1000:], y[1000:])
        print(f"Epoch [{epoch + 1}/{args.epochs}], Loss: {total / len(loader):.4f}, Train acc: {train_acc:.1%}, "
              f"Test loss: {test_loss:.4f}, Test acc: {test_acc:.1%}")


if __name__ == "__main__":
    main()
