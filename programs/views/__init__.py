"""Public pages and endpoints, one module per page: search, detail, compare, export, api, health.

Views stay thin: parse input (a form or the FilterSet), call a queryset method, render.
"""
