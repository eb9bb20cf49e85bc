"""Data exchange with the supplier's accounting system (1C:Enterprise and other ERPs).

`kabinet.exchange.commerceml` holds the pure CommerceML 2/3 parsers: XML file in, plain frozen
dataclasses out, no database. The services that store their output and the 1C HTTP exchange
protocol are built on top of it.
"""
