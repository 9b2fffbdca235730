"""Keeping listings right: visitors' reports, the curators' work queue and provider updates.

``views`` has the public pages (the report form, the provider update form), ``admin`` the
curators' side (reports, proposals, provider links and the work queue), ``queue`` decides what
the queue lists and in which order, and ``proposals`` turns a provider's form into a
field-by-field difference and applies the fields a curator picks.
"""
