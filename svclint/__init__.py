"""svclint: lint Microsoft Entra service accounts declared in infrastructure-as-code."""

__version__ = "0.1.0"
