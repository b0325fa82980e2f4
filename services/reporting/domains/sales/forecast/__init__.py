"""The sales forecast (issue 17): calibrated stage probabilities, a seasonal time-series
forecast of the won amount and its back-test."""
