"""Schools and youth: school locations as units of their own (register, buurt per indeling, history),
school observations with disclosure control, "scholen in dit gebied" aggregates, selection by rule with budget
allocation (the LEA plus-arrangements), klas-level templates, youth indicators 0-27 and school panels."""
