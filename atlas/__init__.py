"""Fitna Atlas: load, validate, filter and draw a source-grounded data package of 654-658 CE."""
