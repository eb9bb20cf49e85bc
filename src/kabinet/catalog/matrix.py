"""The size × colour matrix of a product card (B5): pure, variants in, grid out.

Rows are colours, columns are sizes; a variant without a size takes its characteristic name as
its column, so products whose SKUs differ by something else (volume, packing) still get a row
of cells. A cell is the variant or None when that combination is not sold.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MatrixRow:
    colour: str
    cells: list  # one per column: a variant or None
    columns: tuple[str, ...] = ()

    @property
    def labelled_cells(self) -> list[tuple[str, object]]:
        """(column, cell) pairs: a phone shows each cell on a line of its own, with its size."""
        return list(zip(self.columns, self.cells, strict=True))


@dataclass(frozen=True, slots=True)
class Matrix:
    colours: list[str]
    columns: list[str]
    rows: list[MatrixRow]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.columns)

    def only(self, colour: str | None) -> "Matrix":
        """The matrix reduced to one colour (the colour choice); unchanged for an unknown one."""
        if colour is None or colour not in self.colours:
            return self
        return Matrix(self.colours, self.columns, [r for r in self.rows if r.colour == colour])


def variant_matrix(variants) -> Matrix:
    """Arrange variants (already in display order) by colour and size."""
    colours: list[str] = []
    columns: list[str] = []
    placed: dict[tuple[str, str], object] = {}
    for variant in variants:
        colour = variant.color.strip()
        column = (variant.size or variant.name).strip()
        if (colour, column) in placed:  # two SKUs in one cell: give the second its own column
            suffix = variant.name if variant.name and variant.name != column else f"#{variant.pk}"
            column = f"{column} · {suffix}" if column else suffix
        placed[(colour, column)] = variant
        if colour not in colours:
            colours.append(colour)
        if column not in columns:
            columns.append(column)
    rows = [
        MatrixRow(colour, [placed.get((colour, column)) for column in columns], tuple(columns))
        for colour in colours
    ]
    return Matrix(colours, columns, rows)
