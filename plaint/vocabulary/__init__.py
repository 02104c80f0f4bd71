"""The shared vocabulary: base model types, typed errors, languages and scripts, the
canonical JSON form, and the terms the policy and the records share. Imports nothing else
of the engine."""
