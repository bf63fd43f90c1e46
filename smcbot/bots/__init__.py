"""The front ends members talk to: one conversation core, thin Telegram and Slack adapters.

`conversation` holds everything around an answer that every front end shares
(checks, answering, written answers, recording, logging, start-up); `wording`
holds every sentence the bots say, in French and English. `telegram` and
`slack` only parse what arrives, render (`telegram_render`, `slack_render`) and
send.
"""
