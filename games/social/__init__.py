"""Social deduction: Werewolf, with hidden roles, night kills, discussion and votes."""
