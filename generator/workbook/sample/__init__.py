"""A deterministic, obviously fictional workbook ("示例"), for demos, tests and
benchmarks. The same seed gives the same cells.

District scale is modelled on the real programme (14 暖企专员, 27 助企服务员,
about 600 enterprises of which 141 规上, a year of issues in 2022); province
scale is the size the benchmarks ask for.

vocabulary: the sizes and the fictional words; registers: the main sheets;
ledgers: the optional ones; writer: the xlsx.
"""

from .ledgers import optional_ledgers
from .registers import generate
from .vocabulary import SCALES, Scale
from .writer import grow_policies, write_rows, write_sample

__all__ = ["SCALES", "Scale", "generate", "grow_policies", "optional_ledgers", "write_rows", "write_sample"]
