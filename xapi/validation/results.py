"""Results and scores (xAPI 1.0.3 §2.4.5)."""

from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr, model_validator

from .common import Duration, Extensions, XapiModel

Number = StrictInt | StrictFloat


class Score(XapiModel):
    scaled: Number | None = None
    raw: Number | None = None
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _ranges(self) -> "Score":
        # xAPI 1.0.3 §2.4.5.1: -1 <= scaled <= 1, min <= raw <= max, min < max.
        if self.scaled is not None and not -1 <= self.scaled <= 1:
            raise ValueError("scaled must be between -1 and 1")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("min must be less than max")
        if self.raw is not None:
            if self.min is not None and self.raw < self.min:
                raise ValueError("raw must not be less than min")
            if self.max is not None and self.raw > self.max:
                raise ValueError("raw must not be greater than max")
        return self


class Result(XapiModel):
    score: Score | None = None
    success: StrictBool | None = None
    completion: StrictBool | None = None
    response: StrictStr | None = None
    duration: Duration | None = None
    extensions: Extensions | None = None
