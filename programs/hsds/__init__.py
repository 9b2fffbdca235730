"""The listings in Open Referral's Human Services Data Specification (HSDS 3.0).

A facility is an HSDS organization with one physical location; each of its published programs
is a service delivered at that location (a service_at_location). Schedules, phones, languages
and payment become HSDS objects; levels of care, approaches, conditions, staff roles and other
facts become attributes under taxonomies the project publishes (``taxonomy``).

``serializers`` shapes the objects (the API and the tabular export both read them), ``views``
and ``urls`` serve the API under ``/hsds/``, ``export`` writes the CSV tables with their
``datapackage.json``. A fact that was not reported is left out, never written as false.
"""
