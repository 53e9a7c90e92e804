"""Programme impact: the seller master from approvals and the ministry's programme figures."""
