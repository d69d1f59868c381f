"""Views: what the pages show that is not a published figure, as typed values.

Grouping, paging, ordering and the names shown beside each record are built
here from the model (and the figures); the page modules of ``render`` take
these values and only format them. Row types that templates unpack in a loop
(``{% for d, count in departments %}``) are named tuples, so that templates
overridden by a deployment keep working.
"""
