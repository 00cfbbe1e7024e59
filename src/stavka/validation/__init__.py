"""Campaign validation: the daily history of runs, checkpoint metrics over it, and the report.

* :mod:`stavka.validation.history` records a batch's daily history from the state
  arrays (``stavka sweep --record daily``) and reads it back.
* :mod:`stavka.validation.metrics` is the registry of checkpoint metrics
  (name -> function over the daily history of many runs).
* :mod:`stavka.validation.checkpoints` loads and checks a scenario's ``checkpoints.yaml``.
* :mod:`stavka.validation.campaign` runs ``stavka validate campaign``.
"""
