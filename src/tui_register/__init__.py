"""tui-register: the case register of community and township field offices."""

__version__ = "0.1.0"
