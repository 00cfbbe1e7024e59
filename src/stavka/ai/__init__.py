"""The AI: the default doctrine of each side (:mod:`stavka.ai.doctrine`) and its attack
decision and rest (:mod:`stavka.ai.attack`). The engine's phases call it; it changes
only orders (action, target) and the rest marker, never strengths or ownership."""
