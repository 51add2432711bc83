"""Auctions: sealed-bid first-price, second-price and all-pay rounds, the ascending English
auction of several items with budgets (AucArena), and the descending Dutch clock."""
