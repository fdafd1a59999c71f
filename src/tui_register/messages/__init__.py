"""Message catalogs, one module per layer: each defines MESSAGES = {key: (zh_CN, en)}."""
