"""The rooms API (part of the public contract): open rooms, a room's state, a phone's vote."""
