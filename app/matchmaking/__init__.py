"""Matchmaking: challenges (what cities seek), solutions (what members offer), suggestions, outcomes.

- views.py: /challenges, /solutions, their detail pages, /matchmaking
- api.py: /api/v1/challenges, /api/v1/solutions (read-only JSON)
- staff.py: moderation under /staff/matchmaking/...
- proposals.py: members propose challenges and solutions from /account/...
- suggestions.py: what fits what, and why (pure scoring functions)
- records.py: record cleaning, upserts, the demo data; outcomes.py: the public figures
"""
