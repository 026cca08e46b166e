"""Figures published per postcode-4 area: reading them, and carrying them to buurten honestly.

* :mod:`.read` reads the CBS Kerncijfers per postcode, the Leefbaarometer per PC4 and the EP-Online energy
  labels per address (counted per PC4 first: no address is ever stored) into observations of PC4 regions, with
  gemeente and NL totals where the PC4 areas add up to them.
* :mod:`.interpolate` divides PC4 figures over the buurten by an overlay of the two sets of polygons, weighted
  by the households of each buurt (dasymetric), and marks every result ``estimated`` with its method.
"""
