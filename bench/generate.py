"""Deterministic synthetic customer activity in the import format (customer_id,period,revenue,segment).

    .venv/bin/python bench/generate.py --customers 100000            # -> bench/data/activity-100k.csv

The same --customers and --seed always give the same file, byte for byte. Customers join over the 24
months (a good share are there from the start), most buy in most months, some leave for good, some
pause for a few months and come back, spend drifts up and down, a few refunds (negative rows, now and
then a month that is negative as a whole), a few zero rows, several rows for some customer-months, and
four regions as segments with a few customers moving between them. About 15 rows per customer.

The file is written month by month, as monthly exports would be, so a customer's rows are spread
through it. Plain Python with a seeded random.Random: no dependency, about 1M rows every few seconds.
"""

import argparse
import math
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
REGIONS = ("North", "South", "East", "West")
FIRST_YEAR, MONTHS = 2023, 24

# Per month, for a customer who is there.
P_LEAVE = 0.018  # leaves for good
P_PAUSE = 0.035  # stops for 1..8 months, then comes back
P_SKIP = 0.06  # simply buys nothing this month
P_SPLIT = 0.12  # several rows (2..4) for the month
P_REFUND = 0.012  # an extra negative row
P_ZERO = 0.006  # an extra zero row
P_MOVE = 0.004  # moves to another region


def default_path(customers: int) -> Path:
    size = f"{customers // 1_000_000}m" if customers % 1_000_000 == 0 else f"{customers // 1000}k"
    return DATA / f"activity-{size}.csv"


def cents(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}{amount // 100}.{amount % 100:02d}"


def generate(customers: int, seed: int, out) -> int:
    rng = random.Random(seed)
    keys = [f"C{n:08d}" for n in range(customers)]
    rng.shuffle(keys)  # keys in no particular order, as an organization's own keys are
    # 40% are customers from the start, the rest join evenly over the remaining months.
    joined = [0 if rng.random() < 0.40 else rng.randrange(1, MONTHS) for _ in range(customers)]
    spend = [math.exp(rng.gauss(4.0, 1.1)) for _ in range(customers)]  # a typical month, ~55 median
    region = [rng.randrange(len(REGIONS)) for _ in range(customers)]
    gone = bytearray(customers)
    paused_until = [0] * customers
    rows = 0
    out.write("customer_id,period,revenue,segment\n")
    for month in range(MONTHS):
        period = f"{FIRST_YEAR + month // 12}-{month % 12 + 1:02d}"
        lines = []
        random_ = rng.random
        for c in range(customers):
            if joined[c] > month or gone[c]:
                continue
            if paused_until[c] > month:
                continue
            if month > joined[c]:
                r = random_()
                if r < P_LEAVE:
                    gone[c] = 1
                    continue
                if r < P_LEAVE + P_PAUSE:
                    paused_until[c] = month + 1 + rng.randrange(1, 9)
                    continue
                if r < P_LEAVE + P_PAUSE + P_SKIP:
                    continue
                # Spend drifts: a few percent most months, now and then a jump.
                spend[c] *= math.exp(rng.gauss(0.0, 0.06 if random_() < 0.9 else 0.4))
                if random_() < P_MOVE:
                    region[c] = (region[c] + 1 + rng.randrange(3)) % 4
            key, segment = keys[c], REGIONS[region[c]]
            amount = max(1, int(spend[c] * 100 * (0.9 + 0.2 * random_())))
            if random_() < P_SPLIT:
                parts = rng.randrange(2, 5)
                share = amount // parts
                for _ in range(parts - 1):
                    lines.append(f"{key},{period},{cents(share)},{segment}\n")
                amount -= share * (parts - 1)
                rows += parts - 1
            lines.append(f"{key},{period},{cents(amount)},{segment}\n")
            rows += 1
            if random_() < P_REFUND:
                # Mostly part of this month's spend; now and then more than it (the month is negative).
                refund = int(amount * (0.2 + 1.1 * random_()))
                lines.append(f"{key},{period},{cents(-max(refund, 1))},{segment}\n")
                rows += 1
            if random_() < P_ZERO:
                lines.append(f"{key},{period},0.00,{segment}\n")
                rows += 1
        out.writelines(lines)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--out", type=Path, help="default: bench/data/activity-<size>.csv")
    args = parser.parse_args(argv)
    path = args.out or default_path(args.customers)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = generate(args.customers, args.seed, out)
    print(f"{path}: {args.customers} customers, {rows} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
