#!/usr/bin/env python3
"""The recommender against its baselines and the strong peer, implicit's ALS, on the same simulated plays.

`termplayer-reclab simulate` writes a seeded library and its listening, each listener's last 20 % of plays
held out by time, and the radio (next-song) queries. This script trains implicit's ALS on exactly the train
plays, writes its top-10 lists for the same For you listeners and radio queries, and hands them to
`termplayer-reclab evaluate`, which scores every method the same way and prints the table.

    python3 scripts/bench_recommend.py                         # full size: 10,000 songs, 500 listeners, 200,000 plays
    python3 scripts/bench_recommend.py --songs 2000 --listeners 100 --plays 30000   # quick
    python3 scripts/bench_recommend.py --no-tune --json

The binary is TERMPLAYER_RECLAB_BIN, --bin, or .build/release/termplayer-reclab (built if missing).

ALS is given every chance: confidence from counted plays and likes (BM25-weighted or log-scaled), its
factors, regularisation and weighting picked by a small grid on a validation split carved from the train
plays alone (each listener's last 10 % of them), and for For you it may suggest songs the listener already
played (the held-out plays are mostly returns to favourites). For radio it answers twice: from the
listener's factors (`als`) and from the items most similar to the session's last song (`als-item`), both
leaving out the songs already played in the session.
"""

import argparse
import csv
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# implicit warns (and slows down) when OpenBLAS threads compete with its own.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TOP = 10
LIKE_WEIGHT = 3.0  # a like counts as much as three heard-through plays


def reclab_binary(explicit):
    path = explicit or os.environ.get("TERMPLAYER_RECLAB_BIN")
    if path:
        return path
    default = REPO / ".build" / "release" / "termplayer-reclab"
    if not default.exists():
        print("building termplayer-reclab (release)…", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "termplayer-reclab"], cwd=REPO, check=True)
    return str(default)


def read_csv(folder, name):
    with open(Path(folder) / name, newline="") as handle:
        return list(csv.DictReader(handle))


class Data:
    """The simulated folder, indexed for a matrix: songs by column, listeners by row."""

    def __init__(self, folder):
        self.songs = [row["id"] for row in read_csv(folder, "songs.csv")]
        self.column = {song: index for index, song in enumerate(self.songs)}
        listeners = read_csv(folder, "listeners.csv")
        self.listeners = [row["listener"] for row in listeners]
        self.row = {listener: index for index, listener in enumerate(self.listeners)}
        self.split = {row["listener"]: float(row["split_time"]) for row in listeners}
        self.train = [
            (self.row[r["listener"]], self.column[r["song"]], float(r["started_at"]), r["counted"] == "1")
            for r in read_csv(folder, "train.csv")
        ]
        # Likes made before each listener's split: what the service would have known.
        self.likes = [
            (self.row[r["listener"]], self.column[r["song"]], float(r["at"]))
            for r in read_csv(folder, "marks.csv")
            if r["kind"] == "like" and float(r["at"]) < self.split[r["listener"]]
        ]
        self.queries = [
            (int(r["query"]), self.row[r["listener"]], self.column[r["previous"]], [self.column[s] for s in r["prefix"].split()])
            for r in read_csv(folder, "queries.csv")
        ]


def confidence(data, plays, likes, weighting):
    """Listener × song confidence: counted plays plus likes, then BM25 or log scaling."""
    counts = defaultdict(float)
    for user, item, _, counted in plays:
        if counted:
            counts[(user, item)] += 1
    for user, item, _ in likes:
        counts[(user, item)] += LIKE_WEIGHT
    keys = list(counts)
    rows = np.array([k[0] for k in keys], dtype=np.int32)
    cols = np.array([k[1] for k in keys], dtype=np.int32)
    values = np.array([counts[k] for k in keys], dtype=np.float32)
    matrix = csr_matrix((values, (rows, cols)), shape=(len(data.listeners), len(data.songs)))
    if weighting == "bm25":
        from implicit.nearest_neighbours import bm25_weight

        return bm25_weight(matrix, K1=100, B=0.8).tocsr().astype(np.float32)
    matrix.data = np.log1p(matrix.data) * 10
    return matrix


def train_als(matrix, factors, regularization, iterations, seed):
    from implicit.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=factors, regularization=regularization, iterations=iterations, random_state=seed, calculate_training_loss=False
    )
    model.fit(matrix, show_progress=False)
    if hasattr(model, "to_cpu"):
        model = model.to_cpu()
    return model


def top_for_users(model, users, exclude=None):
    """Top songs by the listeners' factors, leaving out `exclude[i]` (a set of columns) for user i."""
    scores = model.user_factors[users] @ model.item_factors.T
    lists = []
    for position, row in enumerate(scores):
        banned = exclude[position] if exclude else ()
        order = np.argsort(-row, kind="stable")
        lists.append([int(i) for i in order[: TOP + len(banned)] if int(i) not in banned][:TOP])
    return lists


def tune(data, args):
    """Picks ALS's settings by For you HR@10 on each listener's last 10 % of train plays."""
    by_user = defaultdict(list)
    for play in data.train:
        by_user[play[0]].append(play)
    fit, held = [], {}
    for user, plays in by_user.items():
        cut = max(1, int(len(plays) * 0.9))
        fit += plays[:cut]
        held[user] = {item for _, item, _, counted in plays[cut:] if counted}
    cut_time = {user: plays[max(1, int(len(plays) * 0.9)) - 1][2] for user, plays in by_user.items()}
    likes = [like for like in data.likes if like[2] <= cut_time.get(like[0], 0)]
    users = [user for user in sorted(held) if held[user]]
    best = None
    for weighting in ("bm25", "log"):
        matrix = confidence(data, fit, likes, weighting)
        for factors in (32, 64, 128):
            for regularization in (0.01, 0.1, 1.0):
                model = train_als(matrix, factors, regularization, args.iterations, args.seed)
                lists = top_for_users(model, users)
                hits = sum(1 for user, items in zip(users, lists) if held[user] & set(items)) / max(1, len(users))
                print(f"  tune: {weighting:4} factors={factors:3} regularization={regularization:<5} validation HR@10 {hits:.3f}", file=sys.stderr)
                if best is None or hits > best[0]:
                    best = (hits, weighting, factors, regularization)
    return best[1:]


def write_lists(path, forYou, radio):
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["task", "key", "rank", "song"])
        for key, songs in forYou:
            out.writerows(["forYou", key, rank, song] for rank, song in enumerate(songs, 1))
        for key, songs in radio:
            out.writerows(["radio", key, rank, song] for rank, song in enumerate(songs, 1))


def als_lists(data, args, folder):
    weighting, factors, regularization = (args.weighting, args.factors, args.regularization)
    if args.tune:
        weighting, factors, regularization = tune(data, args)
    started = time.monotonic()
    model = train_als(confidence(data, data.train, data.likes, weighting), factors, regularization, args.iterations, args.seed)
    print(f"ALS: {weighting} weighting, {factors} factors, regularization {regularization}, {args.iterations} iterations, "
          f"trained in {time.monotonic() - started:.1f} s", file=sys.stderr)

    users = list(range(len(data.listeners)))
    for_you = [(data.listeners[u], [data.songs[i] for i in items]) for u, items in zip(users, top_for_users(model, users))]

    query_users = [user for _, user, _, _ in data.queries]
    prefixes = [set(prefix) for _, _, _, prefix in data.queries]
    by_user = top_for_users(model, query_users, prefixes)
    radio_user = [(query, [data.songs[i] for i in items]) for (query, _, _, _), items in zip(data.queries, by_user)]

    # similar_items of the session's last song: cosine over item factors, the song itself left out.
    items = model.item_factors / np.maximum(np.linalg.norm(model.item_factors, axis=1, keepdims=True), 1e-9)
    previous = np.array([prev for _, _, prev, _ in data.queries], dtype=np.int64)
    radio_item = []
    for position, row in enumerate(items[previous] @ items.T):
        banned = prefixes[position] | {int(previous[position])}
        order = np.argsort(-row, kind="stable")
        picks = [int(i) for i in order[: TOP + len(banned)] if int(i) not in banned][:TOP]
        radio_item.append((data.queries[position][0], [data.songs[i] for i in picks]))

    als_path, item_path = Path(folder) / "als.csv", Path(folder) / "als-item.csv"
    write_lists(als_path, for_you, radio_user)
    write_lists(item_path, [], radio_item)
    return als_path, item_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--songs", type=int, default=10_000)
    parser.add_argument("--listeners", type=int, default=500)
    parser.add_argument("--plays", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--resamples", type=int, default=1_000)
    parser.add_argument("--out", help="folder for the simulated files and the ALS lists (default: a temporary one)")
    parser.add_argument("--bin", help="termplayer-reclab binary")
    parser.add_argument("--no-tune", dest="tune", action="store_false", help="skip the validation grid; use the settings below")
    parser.add_argument("--weighting", choices=("bm25", "log"), default="bm25")
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--regularization", type=float, default=0.1)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print evaluate's JSON instead of the table")
    args = parser.parse_args()

    binary = reclab_binary(args.bin)
    folder = args.out or tempfile.mkdtemp(prefix="reclab-")
    simulate = [binary, "simulate", "--seed", str(args.seed), "--songs", str(args.songs), "--listeners", str(args.listeners),
                "--plays", str(args.plays), "--queries", str(args.queries), "--out", folder]
    print("$ " + shlex.join(simulate), file=sys.stderr)
    subprocess.run(simulate, check=True, stdout=sys.stderr)

    data = Data(folder)
    als_path, item_path = als_lists(data, args, folder)

    evaluate = [binary, "evaluate", folder, "--resamples", str(args.resamples), "--seed", str(args.seed),
                "--external", f"als={als_path}", "--external", f"als-item={item_path}"] + (["--json"] if args.json else [])
    print("$ " + shlex.join(evaluate), file=sys.stderr)
    started = time.monotonic()
    subprocess.run(evaluate, check=True)
    print(f"(evaluate took {time.monotonic() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
