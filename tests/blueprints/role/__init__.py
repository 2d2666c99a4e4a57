"""Tests of the role routes: CRUD, members, and the no-escalation rules."""
