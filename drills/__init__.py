"""Load and fault drills: scripts that prove the site keeps working and loses nothing.

Each drill is bounded in time, talks only to loopback, and prints what it measured;
see the README's "Reliability" section for the command and the result of each.
"""
