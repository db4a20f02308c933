"""Loopback fake servers that the real yfinance and ccxt code runs against in tests."""
