"""CDB90 battles: engagement set-up, prediction, calibration and validation of combat v1."""
