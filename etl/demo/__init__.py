"""Demo data: a deterministic, realistic programme (sellers to cold-chain readings).

``build_demo(settings, scale, seed)`` writes it into the lake; ``postmart demo`` runs it.
"""

from etl.demo.build import SCALES, DemoSummary, build_demo

__all__ = ["SCALES", "DemoSummary", "build_demo"]
