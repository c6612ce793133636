"""The demo clinic's public site: content written as Python data, and the code that builds it.
The rest of the demo clinic is each other app's own, put together by `klearmind.demo`."""

from .build import DemoReport, load_demo

__all__ = ["DemoReport", "load_demo"]
