"""A proposal's path to the cabinet: its steps, their rules, and the aggregate recording them.

- ``declaration``: what every step declares (payload, who, when, what it changes);
- ``signing``, ``consultation``, ``meeting``: the steps themselves, one model each;
- ``steps``: the union of them all, and the registries derived from it;
- ``stages``, ``state``: the proposal's state the steps change;
- ``rules``: the one door to ``check`` and ``evolve``;
- ``proposal``: the register's Proposal aggregate, its events made from the steps.
"""
