"""The demo clinic: content written as Python data, and the code that builds it."""

from .build import DemoReport, load_demo

__all__ = ["DemoReport", "load_demo"]
