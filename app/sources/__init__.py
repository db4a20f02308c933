"""Data sources: Yahoo (yfinance), exchanges (ccxt) and CSV files behind one small interface."""
