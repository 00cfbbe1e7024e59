"""The world: a scenario compiled into static tables (:mod:`stavka.world.static`), the
state of R replicas as arrays [R, ...] (:mod:`stavka.world.state`), the map as a graph
(:mod:`stavka.world.graph`), fixed-point counts (:mod:`stavka.world.counts`), flat-index
helpers (:mod:`stavka.world.flat`) and the state digest (:mod:`stavka.world.digest`).
"""
