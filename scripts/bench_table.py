"""The Markdown table every benchmark prints, so README rows can be pasted from any of them."""


def print_table(rows, last_column="peer / anchor"):
    """Rows of (what, TermPlayer, target, last_column) under the header the README's tables use."""
    print(f"| what | TermPlayer | target | {last_column} |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
