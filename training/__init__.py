"""Training of the models the engine ships (`make model`). Not part of the engine: it uses
scikit-learn and numpy (the `train` extra); the engine reads only the files it writes."""
