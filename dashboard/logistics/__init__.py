"""Logistics: shipments read off tracking events, delivery KPIs against the service
standards, branch scorecards, the late list, the network map and the cold chain."""
