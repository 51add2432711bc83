"""An example arena plug-in: the repeated Traveler's Dilemma, a scripted traveler and a critic.

Nothing is imported here: the arena imports each entry point's module only when it is used
(``arena games list`` imports the games, ``arena agents list`` the agents).
"""

__version__ = "0.1.0"
