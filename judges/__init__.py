"""Judges read the dialogue or the record of a match: moderators decide whether a free-text
negotiation closed a deal and at what price, critics write feedback a player keeps, and
judges score transcripts. None of them is rated."""
